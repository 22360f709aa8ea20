package ha.core;

import java.util.Locale;

/** Byte sizes as ArcadeDB's settings write them ("1MB", "512KB", "1048576"), in units of 1024 as Ratis reads them. */
public final class Sizes {
    private Sizes() {
    }

    /** "1MB", "512KB", "2 mb", "1048576" as bytes; throws IllegalArgumentException for anything else. */
    public static long parse(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] u : new String[][]{{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (v.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length());
                break;
            }
        }
        try {
            return Long.parseLong(v) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size like 1MB: " + value, e);
        }
    }

    /** "1.0 MiB". */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
