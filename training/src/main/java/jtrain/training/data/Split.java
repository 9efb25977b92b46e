package jtrain.training.data;

public enum Split {
    TRAIN, DEV, TEST;

    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
