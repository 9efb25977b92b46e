package jtrain.engine.io;

import static jtrain.engine.io.PickleBytes.floats;
import static jtrain.engine.io.PickleBytes.littleEndian;
import static jtrain.engine.io.PickleBytes.oneTensor;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.CpuStorage;
import jtrain.engine.Tensor;

/**
 * A torch.save file is a pickle, and a pickle can name any Python function to call. Files built byte by byte show
 * that only a state dict's vocabulary is accepted, that nothing is ever run, and that damaged files fail with an
 * error naming the file (and the tensor, where one is at fault).
 */
class TorchCheckpointSafetyTest {
    @TempDir
    Path dir;

    private Path zipFile(byte[] pickle, Map<String, byte[]> storages) throws Exception {
        Path f = dir.resolve("pytorch_model.bin");
        PickleBytes.zip(f, pickle, storages, null);
        return f;
    }

    private static IllegalArgumentException refused(Path file) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        return e;
    }

    @Test
    void aPickleCallingOsSystemIsRefusedAndNothingRuns() throws Exception {
        Path marker = dir.resolve("pwned");
        byte[] hostile = new PickleBytes().proto().global("os", "system").str("touch " + marker).op(0x85).op('R').stop().bytes();
        Path file = zipFile(hostile, Map.of());
        assertTrue(refused(file).getMessage().contains("refusing to unpickle global os.system"));
        assertFalse(Files.exists(marker));
    }

    @Test
    void theLegacyLayoutRefusesAHostileGlobalInItsFirstPickleToo() throws Exception {
        Path file = dir.resolve("legacy.bin");
        Files.write(file, new PickleBytes().proto().global("builtins", "eval").str("1").op(0x85).op('R').stop().bytes());
        assertTrue(refused(file).getMessage().contains("refusing to unpickle global builtins.eval"));
    }

    @Test
    void stackGlobalIsCheckedAgainstTheSameWhitelist() throws Exception {
        byte[] hostile = new PickleBytes().proto().str("subprocess").str("Popen").op(0x93).stop().bytes();
        assertTrue(refused(zipFile(hostile, Map.of())).getMessage().contains("refusing to unpickle global subprocess.Popen"));
    }

    @Test
    void opcodesTorchDoesNotWriteAreRefusedByName() throws Exception {
        // INST ('i') imports and calls a class in one opcode; torch.save never writes it.
        byte[] inst = new PickleBytes().proto().mark().op('i').stop().bytes();
        assertTrue(refused(zipFile(inst, Map.of())).getMessage().contains("refusing to unpickle opcode 'i'"));
    }

    @Test
    void aWhitelistedValueCannotBeCalled() throws Exception {
        byte[] call = new PickleBytes().proto().global("torch", "FloatStorage").op(')').op('R').stop().bytes();
        assertTrue(refused(zipFile(call, Map.of())).getMessage().contains("refusing to call global torch.FloatStorage"));
    }

    @Test
    void aStridedWindowIsCopiedOutDensely() throws Exception {
        // A 2x2 window at offset 1, stride (3, 1), of a storage of 6 floats 0..5: rows [1, 2] and [4, 5].
        Path file = zipFile(oneTensor("w", "FloatStorage", 6, 1, new long[] {2, 2}, new long[] {3, 1}), Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        Tensor w = TorchCheckpoint.read(file).get("w");
        assertArrayEquals(new int[] {2, 2}, w.shape());
        assertArrayEquals(new float[] {1, 2, 4, 5}, ((CpuStorage) w.storage()).f32);
    }

    @Test
    void aWindowBeyondItsStorageIsRefusedNamingTheTensor() throws Exception {
        Path file = zipFile(oneTensor("w", "FloatStorage", 6, 0, new long[] {3, 4}, new long[] {4, 1}), Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        String msg = refused(file).getMessage();
        assertTrue(msg.contains("tensor 'w'") && msg.contains("reaches element 11 but its storage 0 holds 6"), msg);
    }

    @Test
    void aNegativeStorageOffsetIsRefused() throws Exception {
        Path file = zipFile(oneTensor("w", "FloatStorage", 6, -2, new long[] {2}, new long[] {1}), Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        assertTrue(refused(file).getMessage().contains("negative storage offset -2"));
    }

    @Test
    void aStorageShorterThanItsElementCountIsTruncated() throws Exception {
        Path file = zipFile(oneTensor("w", "FloatStorage", 6, 0, new long[] {6}, new long[] {1}), Map.of("0", floats(0, 1, 2)));
        String msg = refused(file).getMessage();
        assertTrue(msg.contains("tensor 'w'") && msg.contains("truncated storage 0: 12 bytes for 6 elements"), msg);
    }

    @Test
    void aMissingStorageIsNamed() throws Exception {
        Path file = zipFile(oneTensor("w", "FloatStorage", 2, 0, new long[] {2}, new long[] {1}), Map.of());
        assertTrue(refused(file).getMessage().contains("tensor 'w': storage data/0 is missing"));
    }

    @Test
    void dtypesJtrainCannotHoldAreNamed() throws Exception {
        Path file = zipFile(oneTensor("mask", "BoolStorage", 2, 0, new long[] {2}, new long[] {1}), Map.of("0", littleEndian(1, 1, 0)));
        assertTrue(refused(file).getMessage().contains("tensor 'mask' has unsupported dtype torch.BoolStorage"));
        var e = assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.tensorSpecs(file));
        assertTrue(e.getMessage().contains("tensor 'mask' has unsupported dtype torch.BoolStorage"), "named from the pickle alone too");
    }

    @Test
    void anUnknownStorageTypeIsARefusedGlobal() throws Exception {
        Path file = zipFile(oneTensor("w", "Float8Storage", 2, 0, new long[] {2}, new long[] {1}), Map.of("0", littleEndian(1, 1, 0)));
        assertTrue(refused(file).getMessage().contains("refusing to unpickle global torch.Float8Storage"));
    }

    @Test
    void int64ValuesOutsideInt32AreRefusedNamingTheTensor() throws Exception {
        Path file = zipFile(oneTensor("ids", "LongStorage", 2, 0, new long[] {2}, new long[] {1}), Map.of("0", littleEndian(8, 7, 1L << 40)));
        String msg = refused(file).getMessage();
        assertTrue(msg.contains("tensor 'ids': I64 value 1099511627776 at element 1 does not fit"), msg);
    }

    @Test
    void aLittleEndianByteOrderRecordIsAccepted() throws Exception {
        // torch >= 2.1 writes archive/byteorder; earlier versions wrote none and were little-endian in practice.
        Path file = dir.resolve("little.bin");
        PickleBytes.zip(file, oneTensor("w", "FloatStorage", 1, 0, new long[] {1}, new long[] {1}), Map.of("0", floats(1.5f)), "little");
        assertArrayEquals(new float[] {1.5f}, TorchCheckpoint.read(file).get("w").toFloatArray());
    }

    @Test
    void bigEndianFilesAreRefused() throws Exception {
        Path file = dir.resolve("big.bin");
        PickleBytes.zip(file, oneTensor("w", "FloatStorage", 1, 0, new long[] {1}, new long[] {1}), Map.of("0", floats(1)), "big");
        assertTrue(refused(file).getMessage().contains("byte order 'big' is not supported"));
    }

    @Test
    void somethingOtherThanAStateDictIsRefused() throws Exception {
        byte[] list = new PickleBytes().proto().op(']').stop().bytes();
        assertTrue(refused(zipFile(list, Map.of())).getMessage().contains("holds a list, not a state dict"));
        byte[] nested = new PickleBytes().proto().op('}').str("model").op('}').op('s').stop().bytes();
        assertTrue(refused(zipFile(nested, Map.of())).getMessage().contains("'model' holds a dict, not a tensor"));
    }

    @Test
    void filesThatAreNeitherZipNorPickleAreRefused() throws Exception {
        Path file = dir.resolve("model.bin");
        Files.writeString(file, "<html>not found</html>");
        assertTrue(refused(file).getMessage().contains("not a torch.save file"));
    }

    @Test
    void everyTruncationOfTheFixturesFailsNamingTheFile() throws Exception {
        for (String name : new String[] {"state_dict_zip.bin", "state_dict_legacy.bin"}) {
            byte[] whole = Files.readAllBytes(TorchCheckpointFixtureTest.fixture(name));
            Path cut = dir.resolve("cut-" + name);
            for (int n = 0; n < whole.length; n++) {
                Files.write(cut, Arrays.copyOf(whole, n));
                refused(cut);
            }
        }
    }

    @Test
    void aCompressedEntryThatInflatesPastItsDeclaredSizeIsRefused() throws Exception {
        // A zip bomb's trick: the directory declares a small entry that inflates to far more. Only the declared bytes
        // are ever read. Here the storage's declared size is cut from 24000 to 24 bytes in the central directory.
        Path file = zipFile(oneTensor("w", "FloatStorage", 6, 0, new long[] {6}, new long[] {1}), Map.of("0", new byte[24000]));
        byte[] zip = Files.readAllBytes(file);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(zip).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean patched = false;
        for (int at = 0; at + 46 < zip.length; at++) {
            if (b.getInt(at) == 0x02014b50 && b.getInt(at + 24) == 24000) { // central directory header, uncompressed size
                b.putInt(at + 24, 24);
                patched = true;
            }
        }
        assertTrue(patched);
        Files.write(file, zip);
        assertTrue(refused(file).getMessage().contains("archive/data/0 does not hold the 24 bytes it declares"));
    }

    @Test
    void aCorruptZipIsReportedAsSuch() throws Exception {
        byte[] whole = Files.readAllBytes(TorchCheckpointFixtureTest.fixture("state_dict_zip.bin"));
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        assertTrue(refused(cut).getMessage().contains("not a valid zip archive"));
    }
}
