package jtrain.training.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Small PNG charts for reports, drawn with java.awt in headless mode: line charts (several series over a numeric x
 * axis, optionally logarithmic) and grouped bar charts (categories x series), both with optional error bars.
 */
public final class Chart {
    /** One named line: x and y of equal length; lo and hi, when not null, are the ends of an error bar at each point. */
    public record Series(String name, double[] x, double[] y, double[] lo, double[] hi) {
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, null, null);
        }
    }

    /** One named group of bars: a value per category; lo and hi, when not null, the ends of its error bar. */
    public record Bars(String name, double[] values, double[] lo, double[] hi) {
        public Bars(String name, double[] values) {
            this(name, values, null, null);
        }

        /** Error bars of the given half-widths (0: none). */
        public static Bars withErrors(String name, double[] values, double[] halfWidths) {
            double[] lo = new double[values.length], hi = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                lo[i] = values[i] - halfWidths[i];
                hi[i] = values[i] + halfWidths[i];
            }
            return new Bars(name, values, lo, hi);
        }
    }

    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};
    static final int W = 800, H = 480, LEFT = 80, RIGHT = 190, TOP = 50, BOTTOM = 60;

    private Chart() {}

    public static void line(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX) throws IOException {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                double x = logX ? Math.log10(s.x()[i]) : s.x()[i];
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
                y0 = Math.min(y0, low(s.y()[i], s.lo(), i));
                y1 = Math.max(y1, high(s.y()[i], s.hi(), i));
            }
        }
        if (series.stream().anyMatch(s -> s.lo() != null)) {
            double pad = (x1 - x0) * 0.04; // error bars at the first and last x stay clear of the frame
            x0 -= pad;
            x1 += pad;
        }
        Canvas c = new Canvas(title, xLabel, yLabel, x0, x1, y0, y1, logX);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            c.g.setColor(PALETTE[k % PALETTE.length]);
            c.g.setStroke(new BasicStroke(2f));
            int px = -1, py = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                int x = c.px(logX ? Math.log10(s.x()[i]) : s.x()[i]), y = c.py(s.y()[i]);
                if (px >= 0) c.g.drawLine(px, py, x, y);
                if (s.x().length <= 30) c.g.fillOval(x - 3, y - 3, 7, 7);
                if (s.lo() != null && s.hi() != null) {
                    // Side by side (5 px apart per series), so the bars of series at the same x do not hide each other.
                    int bx = x + 5 * k - 5 * (series.size() - 1) / 2;
                    c.errorBar(bx, s.lo()[i], s.hi()[i], PALETTE[k % PALETTE.length]);
                    c.g.setStroke(new BasicStroke(2f));
                }
                px = x;
                py = y;
            }
            c.legend(k, s.name());
        }
        c.write(png);
    }

    public static void bars(Path png, String title, String yLabel, List<String> categories, List<Bars> groups) throws IOException {
        double y0 = 0, y1 = 0;
        for (Bars b : groups) {
            for (int i = 0; i < b.values().length; i++) {
                if (!Double.isFinite(b.values()[i])) continue;
                y0 = Math.min(y0, low(b.values()[i], b.lo(), i));
                y1 = Math.max(y1, high(b.values()[i], b.hi(), i));
            }
        }
        Canvas c = new Canvas(title, "", yLabel, 0, categories.size(), y0, y1, false);
        double slot = (double) (W - LEFT - RIGHT) / categories.size();
        double barW = slot * 0.8 / Math.max(1, groups.size());
        for (int ci = 0; ci < categories.size(); ci++) {
            int cx = (int) (LEFT + slot * ci + slot * 0.1);
            c.g.setColor(Color.DARK_GRAY);
            c.centered(categories.get(ci), (int) (LEFT + slot * (ci + 0.5)), H - BOTTOM + 18);
            for (int k = 0; k < groups.size(); k++) {
                double v = groups.get(k).values()[ci];
                if (!Double.isFinite(v)) continue;
                int x = (int) (cx + barW * k), yTop = c.py(Math.max(v, 0)), yBase = c.py(Math.min(v, 0));
                c.g.setColor(PALETTE[k % PALETTE.length]);
                c.g.fillRect(x, yTop, Math.max(1, (int) barW - 2), Math.max(1, yBase - yTop));
                Bars g = groups.get(k);
                if (g.lo() != null && g.hi() != null) c.errorBar(x + (int) (barW / 2) - 1, g.lo()[ci], g.hi()[ci], Color.BLACK);
            }
        }
        for (int k = 0; k < groups.size(); k++) c.legend(k, groups.get(k).name());
        c.write(png);
    }

    /** The lower end of what point i needs on the y axis: its value, or its error bar's lower end. */
    private static double low(double v, double[] lo, int i) {
        return lo == null || !Double.isFinite(lo[i]) ? v : Math.min(v, lo[i]);
    }

    private static double high(double v, double[] hi, int i) {
        return hi == null || !Double.isFinite(hi[i]) ? v : Math.max(v, hi[i]);
    }

    /** The plot area with axes, ticks and labels; maps data to pixels. */
    private static final class Canvas {
        final BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = img.createGraphics();
        final double x0, x1, y0, y1;

        Canvas(String title, String xLabel, String yLabel, double x0, double x1, double y0, double y1, boolean logX) {
            if (!(x1 > x0)) { x0 -= 0.5; x1 += 0.5; }
            if (!(y1 > y0)) { y0 -= 0.5; y1 += 0.5; }
            double pad = (y1 - y0) * 0.05;
            this.x0 = x0;
            this.x1 = x1;
            this.y0 = y0 == 0 ? 0 : y0 - pad;
            this.y1 = y1 + pad;
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.setColor(Color.BLACK);
            centered(title, (LEFT + W - RIGHT) / 2, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            centered(xLabel, (LEFT + W - RIGHT) / 2, H - 18);
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            r.drawString(yLabel, -(TOP + (H - TOP - BOTTOM) / 2) - r.getFontMetrics().stringWidth(yLabel) / 2, 18);
            r.dispose();
            g.setColor(new Color(0xdddddd));
            for (double t : ticks(this.y0, this.y1)) g.drawLine(LEFT, py(t), W - RIGHT, py(t));
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
            for (double t : ticks(this.y0, this.y1)) {
                String s = fmt(t);
                g.drawString(s, LEFT - 6 - g.getFontMetrics().stringWidth(s), py(t) + 4);
            }
            if (!xLabel.isEmpty()) {
                for (double t : ticks(x0, x1)) {
                    if (logX && t != Math.rint(t)) continue;
                    centered(logX ? fmt(Math.pow(10, t)) : fmt(t), px(t), H - BOTTOM + 16);
                }
            }
        }

        int px(double x) {
            return (int) Math.round(LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT));
        }

        int py(double y) {
            return (int) Math.round(H - BOTTOM - (y - y0) / (y1 - y0) * (H - TOP - BOTTOM));
        }

        /** A vertical bar from lo to hi at pixel column x, with short caps (nothing when lo == hi or not finite). */
        void errorBar(int x, double lo, double hi, Color colour) {
            if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo == hi) return;
            g.setColor(colour);
            g.setStroke(new BasicStroke(1f));
            g.drawLine(x, py(lo), x, py(hi));
            g.drawLine(x - 4, py(hi), x + 4, py(hi));
            g.drawLine(x - 4, py(lo), x + 4, py(lo));
        }

        void centered(String s, int x, int y) {
            FontMetrics m = g.getFontMetrics();
            g.drawString(s, x - m.stringWidth(s) / 2, y);
        }

        void legend(int k, String name) {
            int y = TOP + 10 + 20 * k;
            g.setColor(PALETTE[k % PALETTE.length]);
            g.fillRect(W - RIGHT + 12, y - 9, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(name, W - RIGHT + 32, y);
        }

        void write(Path png) throws IOException {
            g.dispose();
            Files.createDirectories(png.toAbsolutePath().getParent());
            if (!ImageIO.write(img, "png", png.toFile())) throw new IOException(png + ": no PNG writer available");
        }
    }

    /** About five round tick values covering [lo, hi]. */
    static List<Double> ticks(double lo, double hi) {
        double raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), step;
        double f = raw / mag;
        step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
        List<Double> t = new ArrayList<>();
        for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) {
            t.add(Double.parseDouble(String.format("%.12g", k * step))); // 0.6, not 0.6000000000000001
        }
        return t;
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-3)) return String.format("%.0e", v);
        if (v == Math.rint(v)) return String.format("%.0f", v);
        return String.format(a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}
