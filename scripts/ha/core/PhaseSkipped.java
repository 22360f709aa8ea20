package ha.core;

/** A phase cannot apply to this install (for example a server version without the field it checks). */
public class PhaseSkipped extends RuntimeException {
    public PhaseSkipped(String reason) {
        super(reason);
    }
}
