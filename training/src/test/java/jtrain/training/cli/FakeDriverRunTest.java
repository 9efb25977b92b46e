package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.cuda.FakeDriver;

/**
 * The command line in a JVM whose NVIDIA libraries are the emulator's fake libcuda.so.1 and libcublas.so.13
 * ({@link FakeDriver}): {@code --device auto} finds the "GPU" through JCuda as on a real machine, trains on it with
 * the same losses as the CPU, and fine-tuning with {@code --device cuda} starts from the checkpoint it wrote.
 */
class FakeDriverRunTest {
    @TempDir
    Path tmp;

    @Test
    void autoPicksTheGpuAndPretrainingThenFineTuningRunThroughTheDriver() throws Exception {
        FakeDriver.libraryDir(); // skips here when the fake driver was not built
        Path corpus = PretrainCommandTest.corpus(tmp);
        Path cpuRun = tmp.resolve("cpu"), gpuRun = tmp.resolve("gpu");
        EmulatedGpuRunTest test = new EmulatedGpuRunTest();
        assertEquals(0, PretrainCommandTest.pretrain(test.tinyRun(corpus, cpuRun, "cpu")).code());

        FakeDriver.Run pretrain = FakeDriver.java(Map.of(), 300, "jtrain.training.cli.Main",
                prepend("pretrain", test.tinyRun(corpus, gpuRun, "auto")));
        assertEquals(0, pretrain.exitCode(), pretrain.output());
        assertTrue(pretrain.output().contains("cuda backend"), pretrain.output());
        List<Double> cpu = EmulatedGpuRunTest.trainLosses(cpuRun), onGpu = EmulatedGpuRunTest.trainLosses(gpuRun);
        assertEquals(6, onGpu.size(), "a loss per step");
        for (int i = 0; i < cpu.size(); i++) {
            assertEquals(cpu.get(i), onGpu.get(i), 1e-3 * cpu.get(i), "step " + (i + 1) + ": the GPU run follows the CPU run");
        }

        Path train = FinetuneCommandTest.seqFile(tmp, "train.jsonl", 64, 1), dev = FinetuneCommandTest.seqFile(tmp, "dev.jsonl", 16, 2);
        FakeDriver.Run finetune = FakeDriver.java(Map.of(), 300, "jtrain.training.cli.Main", "finetune", "--task", "seq",
                "--init", gpuRun.resolve("checkpoints/step-6").toString(), "--train", train.toString(),
                "--dev", dev.toString(), "--max-len", "16", "--batch", "8", "--steps", "4",
                "--eval-every", "2", "--device", "cuda", "--out", tmp.resolve("seq").toString());
        assertEquals(0, finetune.exitCode(), finetune.output());
        assertTrue(finetune.output().contains("best dev"), finetune.output());
        assertFalse(pretrain.output().contains("[fake") || finetune.output().contains("[fake"), "the driver refused nothing");
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
