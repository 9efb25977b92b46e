package jtrain.training.run;

/** The resume guarantee with the default vector backend: its float sums also run in a fixed order. */
class ExactResumeVectorTest extends ExactResumeTest {
    @Override
    String backendName() {
        return "vector";
    }
}
