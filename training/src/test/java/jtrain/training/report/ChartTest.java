package jtrain.training.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
    @TempDir
    Path tmp;

    @Test
    void lineChartIsAPngWithTheSeriesColours() throws Exception {
        Path png = tmp.resolve("loss.png");
        Chart.line(png, "MLM loss", "step", "loss", List.of(
                new Chart.Series("train", new double[] {1, 2, 3, 4}, new double[] {8, 6, 5, 4.5}),
                new Chart.Series("held-out", new double[] {2, 4}, new double[] {6.5, 5})), false);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(Chart.W, img.getWidth());
        assertTrue(containsColour(img, Chart.PALETTE[0].getRGB()) && containsColour(img, Chart.PALETTE[1].getRGB()));
    }

    @Test
    void barChartWithErrorBarsAndALogLineChartRender() throws Exception {
        Chart.bars(tmp.resolve("bars.png"), "accuracy", "accuracy", List.of("1%", "10%", "100%"), List.of(
                Chart.Bars.withErrors("pretrained", new double[] {0.6, 0.8, 0.9}, new double[] {0.02, 0.01, 0.01}),
                new Chart.Bars("scratch", new double[] {0.3, 0.6, 0.85})));
        Chart.line(tmp.resolve("log.png"), "budget", "labels", "F1", List.of(
                new Chart.Series("a", new double[] {10, 100, 1000}, new double[] {0.2, 0.5, 0.7})), true);
        assertNotNull(ImageIO.read(tmp.resolve("bars.png").toFile()));
        assertNotNull(ImageIO.read(tmp.resolve("log.png").toFile()));
    }

    @Test
    void ticksAreRound() {
        assertEquals(List.of(0.0, 2.0, 4.0, 6.0, 8.0, 10.0), Chart.ticks(0, 10));
        assertEquals(List.of(0.2, 0.4, 0.6, 0.8), Chart.ticks(0.13, 0.9));
    }

    static boolean containsColour(BufferedImage img, int rgb) {
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) return true;
        return false;
    }
}
