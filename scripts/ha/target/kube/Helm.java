package ha.target.kube;

import ha.core.Procs;
import ha.core.SuiteException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The helm command line, as the suite uses it: render, install or upgrade, and read a release back.
 *
 * @param executable  the helm binary
 * @param kubeContext the kubeconfig context every command names (null: the current one)
 * @param namespace   the namespace every command names
 */
public record Helm(String executable, String kubeContext, String namespace) {
    private static final Duration QUICK = Duration.ofSeconds(60);

    /** helm from PATH (or the executable named by HA_HELM / -Dha.helm), for a context (null: the current one) and namespace. */
    public static Helm onPath(String kubeContext, String namespace) {
        return new Helm(System.getProperty("ha.helm", System.getenv().getOrDefault("HA_HELM", "helm")), kubeContext, namespace);
    }

    /** {@code helm template}: the rendered manifest, or a {@link SuiteException} with helm's error line. */
    public String template(String release, Path chart, Map<String, String> setValues, List<String> extraArgs) {
        List<String> cmd = base("template", release, chart.toString());
        addSets(cmd, setValues);
        cmd.addAll(extraArgs);
        return check(Procs.run(cmd, QUICK), "helm template").stdout();
    }

    /** Same as {@link #template} but returns helm's result as it is, for tests of rendering failures. */
    public Procs.Result tryTemplate(String release, Path chart, Map<String, String> setValues, List<String> extraArgs) {
        List<String> cmd = base("template", release, chart.toString());
        addSets(cmd, setValues);
        cmd.addAll(extraArgs);
        return Procs.run(cmd, QUICK);
    }

    public Procs.Result lint(Path chart, boolean strict) {
        List<String> cmd = new ArrayList<>(List.of(executable, "lint", chart.toString()));
        if (strict) {
            cmd.add("--strict");
        }
        return Procs.run(cmd, QUICK);
    }

    /** {@code helm upgrade --install … --wait}. */
    public void upgradeInstall(String release, Path chart, Map<String, String> setValues, Duration timeout) {
        List<String> cmd = base("upgrade", "--install", release, chart.toString());
        addSets(cmd, setValues);
        cmd.addAll(List.of("--wait", "--timeout", timeout.toSeconds() + "s"));
        check(Procs.run(cmd, timeout.plusSeconds(30)), "helm upgrade --install " + release);
    }

    /** {@code helm upgrade --reuse-values --set …} on an installed release, without waiting. */
    public void upgradeReusingValues(String release, String chartRef, Map<String, String> setValues, Duration timeout) {
        List<String> cmd = base("upgrade", release, chartRef, "--reuse-values");
        addSets(cmd, setValues);
        cmd.addAll(List.of("--timeout", timeout.toSeconds() + "s"));
        check(Procs.run(cmd, timeout.plusSeconds(30)), "helm upgrade " + release);
    }

    public String values(String release) {
        return check(Procs.run(base("get", "values", release, "--all", "-o", "yaml"), QUICK), "helm get values").stdout();
    }

    public String manifest(String release) {
        return check(Procs.run(base("get", "manifest", release), QUICK), "helm get manifest").stdout();
    }

    /** The chart reference of an installed release ("name-version" from helm list), or null. */
    public String status(String release) {
        Procs.Result r = Procs.run(base("status", release), QUICK);
        return r.ok() ? r.stdout() : null;
    }

    private List<String> base(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(List.of(args));
        if (kubeContext != null && !kubeContext.isBlank()) {
            cmd.addAll(List.of("--kube-context", kubeContext));
        }
        if (namespace != null && !namespace.isBlank()) {
            cmd.addAll(List.of("--namespace", namespace));
        }
        return cmd;
    }

    private static void addSets(List<String> cmd, Map<String, String> setValues) {
        setValues.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
    }

    private static Procs.Result check(Procs.Result r, String what) {
        if (!r.ok()) {
            String line = r.stderr().lines().filter(l -> l.startsWith("Error:")).findFirst().orElse(r.lastLine());
            throw new SuiteException(what + " failed (exit " + r.exitCode() + "): " + line);
        }
        return r;
    }
}
