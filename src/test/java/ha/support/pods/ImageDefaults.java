package ha.support.pods;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the arcadedata/arcadedb image brings that the chart does not render: its {@code ENV} defaults
 * (reference §7.1), the home folder its distribution is unpacked in, and the folders of that home that
 * come from the image (the rest of the home is whatever the pod mounts there).
 */
final class ImageDefaults {
    /** The image's WORKDIR and ARCADEDB_HOME. */
    static final String HOME = "/home/arcadedb";

    /** Folders of the home that the image ships (taken from the real installation, read-only). */
    static final List<String> SHIPPED = List.of("bin", "lib", "config");

    /** The image's JDK (eclipse-temurin base), replaced by a local JDK 21+ (see {@link PodRewrites}). */
    static final String JAVA_HOME = "/opt/java/openjdk";

    private ImageDefaults() {
    }

    /** The image's ENV, in Dockerfile order; a pod's own env entries override these. */
    static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", JAVA_HOME + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("JAVA_HOME", JAVA_HOME);
        env.put("JAVA_OPTS", "-XX:+UseZGC -XX:+ZGenerational");
        env.put("ARCADEDB_OPTS_MEMORY", "-Xms2G -Xmx2G");
        env.put("ARCADEDB_HOME", HOME);
        return env;
    }
}
