package ha.driver;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The tests that run real ArcadeDB servers, one class after the other in one test JVM. Only one real cluster runs at a
 * time ({@link ha.support.real.OneRealClusterAtATime}); when Maven's two test JVMs each took one of these classes, one
 * JVM sat waiting for the other's cluster (5.6 min of a 20-minute run on 2 cores) instead of running the simulator
 * tests. {@code pom.xml} leaves the two classes out of the usual scan so that they run here only; {@code -Dtest=…}
 * still runs either one alone.
 */
@Suite
@SelectClasses({ChartOnRealPodsTest.class, RealServersRunTest.class})
class RealServerSuiteTest {
}
