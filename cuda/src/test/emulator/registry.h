// CPU emulator: the table from kernel name to a launcher that unpacks the host's argument array. build.sh generates
// one wrapper per .cu file that includes the .cu and then this header, with one EMU_REGISTER(name) per kernel.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace emu {

// args[i] points at the i-th argument's value, laid out as the kernel's own parameter type expects it: 4-byte int
// or float, 8-byte integer, 8-byte host address for a pointer (emulated device memory is host memory), or the bytes
// of a by-value struct.
using Invoker = void (*)(void** args);

template <class... A, std::size_t... I>
void invoke(void (*f)(A...), void** args, std::index_sequence<I...>) {
    f(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(args[I])...);
}

template <class... A>
void invoke(void (*f)(A...), void** args) {
    invoke(f, args, std::index_sequence_for<A...>{});
}

template <class... A>
constexpr int parameterCount(void (*)(A...)) {
    return sizeof...(A);
}

// The byte size of each parameter, so that a launch whose arguments do not fit the compiled kernel (a library built
// from other sources than the PTX the host checked against) is refused instead of reading garbage.
template <class... A>
const int* parameterSizes(void (*)(A...)) {
    static const int sizes[sizeof...(A) + 1] = {(int) sizeof(std::remove_cv_t<std::remove_reference_t<A>>)..., 0};
    return sizes;
}

template <auto Kernel>
void invoker(void** args) {
    invoke(Kernel, args);
}

// Defined in runtime.cpp; called during static initialisation of the library.
void registerKernel(const char* name, Invoker invoker, int parameters, const int* sizes);

struct Registration {
    Registration(const char* name, Invoker invoker, int parameters, const int* sizes) {
        registerKernel(name, invoker, parameters, sizes);
    }
};

} // namespace emu

#define EMU_REGISTER(name) \
    static const emu::Registration emu_registration_##name(#name, &emu::invoker<&name>, emu::parameterCount(&name), \
                                                           emu::parameterSizes(&name));
