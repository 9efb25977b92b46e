package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * benchmarks/scripts/bench_vs_torch.sh refuses arguments it cannot run, before it starts PyTorch or the trainer: it
 * used to take a config name given first ("bench_vs_torch.sh tiny") as the number of rounds, run none, and exit 0.
 */
class BenchVsTorchScriptTest {

    static String[] run(String... args) throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize(); // surefire runs in the module folder
        List<String> command = new java.util.ArrayList<>(List.of("bash", "benchmarks/scripts/bench_vs_torch.sh"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {String.valueOf(p.waitFor()), output};
    }

    @Test
    void roundsThatAreNotACountAreRefused() throws Exception {
        for (String rounds : List.of("tiny", "0", "2x")) {
            String[] r = run(rounds);
            assertEquals("2", r[0], r[1]);
            assertEquals("bench_vs_torch.sh: rounds must be a positive whole number, got '" + rounds + "' (usage: "
                    + "benchmarks/scripts/bench_vs_torch.sh [rounds] [tiny mini small base])\n", r[1]);
        }
    }

    @Test
    void anUnknownConfigIsRefused() throws Exception {
        String[] r = run("1", "tiny", "huge");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].equals("bench_vs_torch.sh: unknown config 'huge' (tiny, mini, small or base)\n"), r[1]);
    }
}
