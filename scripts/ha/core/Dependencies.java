//DEPS io.fabric8:kubernetes-client-bom:7.5.2@pom
//DEPS io.fabric8:kubernetes-client
//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.0
//DEPS info.picocli:picocli:4.7.7
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package ha.core;

/**
 * The one place where the scripts' runtime dependencies are declared. Every script includes
 * every file under {@code ha/} through {@code //SOURCES}, and JBang honours the {@code //DEPS} lines of included
 * files, so no script carries a {@code //DEPS} line of its own. The Maven test build declares the same
 * versions; {@code DependencyAlignmentTest} fails when the two disagree.
 *
 * <p>fabric8 7.x is chosen over 8.x because 7.x brings Jackson 2 ({@code com.fasterxml}), the Jackson our
 * own JSON code is written against: one Jackson major version on the classpath.
 */
final class Dependencies {
    private Dependencies() {
    }
}
