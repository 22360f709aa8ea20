package ha.support.standin.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ha.core.Sizes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Raft log on disk as Ratis keeps it: segment files of at most {@code arcadedb.ha.logSegmentSize} bytes
 * ({@code log_inprogress_<first>} while open, {@code log_<first>-<last>} once closed), one JSON entry a line.
 * A purge deletes only whole closed segments, so nothing before the open segment can go until a segment rolls
 * (reference §5.3). Entries up to {@link #purgedIndex()} are gone; {@link #termAt} still knows the term there.
 * Not thread-safe: {@link RaftNode} calls it under its lock.
 */
final class SegmentedLog {
    private static final Pattern CLOSED = Pattern.compile("log_(\\d+)-(\\d+)");
    private static final Pattern OPEN = Pattern.compile("log_inprogress_(\\d+)");

    /** One segment: entries first..last (last = first - 1 while empty), its bytes, and whether it rolled. */
    private static final class Segment {
        final long first;
        long last;
        long bytes;
        boolean closed;

        Segment(long first) {
            this.first = first;
            this.last = first - 1;
        }

        String fileName() {
            return closed ? "log_" + first + "-" + last : "log_inprogress_" + first;
        }
    }

    private final Path dir;
    private final long segmentBytes;
    private final List<ObjectNode> entries = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private long purgedIndex;
    private long purgedTerm;

    SegmentedLog(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    long segmentBytes() {
        return segmentBytes;
    }

    /** Reads the segment files, skipping what a purge up to {@code purged} removed; a torn last line ends the log. */
    void load(long purged, long termAtPurged) throws IOException {
        purgedIndex = purged;
        purgedTerm = termAtPurged;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> first(p) >= 0).sorted((a, b) -> Long.compare(first(a), first(b))).toList();
        }
        for (Path file : files) {
            boolean closed = CLOSED.matcher(file.getFileName().toString()).matches();
            Segment segment = null;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode e;
                try {
                    e = (ObjectNode) Json.MAPPER.readTree(line);
                } catch (IOException | RuntimeException torn) {
                    break;   // a line cut by a kill: everything before it is intact
                }
                long index = e.path("i").asLong();
                if (index <= purgedIndex) {
                    continue;
                }
                if (index != lastIndex() + 1) {
                    break;
                }
                if (segment == null) {
                    segment = new Segment(index);
                    segments.add(segment);
                }
                add(segment, e, line.getBytes(StandardCharsets.UTF_8).length + 1);
            }
            if (segment != null) {
                segment.closed = closed;
                if (!file.getFileName().toString().equals(segment.fileName())) {
                    rewrite(segment);
                    Files.deleteIfExists(file);
                }
            } else {
                Files.deleteIfExists(file);
            }
        }
        if (!segments.isEmpty()) {
            Segment last = segments.get(segments.size() - 1);
            if (last.closed) {
                segments.add(new Segment(last.last + 1));
            }
        }
    }

    private static long first(Path p) {
        String name = p.getFileName().toString();
        Matcher m = CLOSED.matcher(name);
        if (m.matches()) {
            return Long.parseLong(m.group(1));
        }
        m = OPEN.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    long purgedIndex() {
        return purgedIndex;
    }

    long lastIndex() {
        return purgedIndex + entries.size();
    }

    /** The term of the entry at {@code index}: that of the last purged entry at the log start, -1 before it, 0 past the end. */
    long termAt(long index) {
        if (index == purgedIndex) {
            return purgedTerm;
        }
        if (index < purgedIndex) {
            return -1;
        }
        return index > lastIndex() ? 0 : get(index).path("t").asLong();
    }

    ObjectNode get(long index) {
        return entries.get((int) (index - purgedIndex - 1));
    }

    /** The entries still held, oldest first. */
    List<ObjectNode> entries() {
        return entries;
    }

    /** Entries from {@code from} on, at most {@code maxEntries} and about {@code maxBytes} (at least one). */
    List<ObjectNode> slice(long from, int maxEntries, long maxBytes) {
        List<ObjectNode> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i <= lastIndex() && out.size() < maxEntries; i++) {
            int size = sizes.get((int) (i - purgedIndex - 1));
            if (!out.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            out.add(get(i));
            bytes += size;
        }
        return out;
    }

    /** Appends entries to the open segment, rolling to a new one when the next entry would not fit. */
    void append(List<ObjectNode> batch) {
        StringBuilder pending = new StringBuilder();
        Segment open = openSegment();
        for (ObjectNode e : batch) {
            String line = Json.write(e);
            int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
            if (open.last >= open.first && open.bytes + size > segmentBytes) {
                write(open, pending);
                pending.setLength(0);
                close(open);
                open = new Segment(open.last + 1);
                segments.add(open);
            }
            add(open, e, size);
            pending.append(line).append('\n');
        }
        write(open, pending);
    }

    private Segment openSegment() {
        if (segments.isEmpty() || segments.get(segments.size() - 1).closed) {
            segments.add(new Segment(lastIndex() + 1));
        }
        return segments.get(segments.size() - 1);
    }

    private void add(Segment segment, ObjectNode e, int size) {
        entries.add(e);
        sizes.add(size);
        segment.last++;
        segment.bytes += size;
    }

    /** Removes every entry after {@code index} (never a purged one). */
    void truncateAfter(long index) {
        if (index < purgedIndex) {
            throw new IllegalStateException("cannot truncate the log to " + index + ": entries up to " + purgedIndex + " are purged");
        }
        while (lastIndex() > index) {
            entries.remove(entries.size() - 1);
            sizes.remove(sizes.size() - 1);
        }
        while (!segments.isEmpty() && segments.get(segments.size() - 1).first > index) {
            delete(segments.remove(segments.size() - 1));
        }
        if (!segments.isEmpty()) {
            Segment last = segments.get(segments.size() - 1);
            if (last.last > index) {
                Path old = dir.resolve(last.fileName());
                last.last = index;
                last.closed = false;
                last.bytes = 0;
                for (long i = last.first; i <= last.last; i++) {
                    last.bytes += sizes.get((int) (i - purgedIndex - 1));
                }
                rewrite(last);
                try {
                    if (!old.equals(dir.resolve(last.fileName()))) {
                        Files.deleteIfExists(old);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("cannot truncate the Raft log: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Where a purge up to {@code snapshotIndex} would end: the last index of the last closed segment that lies
     * wholly at or before it; {@link #purgedIndex()} when no closed segment qualifies.
     */
    long purgeableUpTo(long snapshotIndex) {
        long upTo = purgedIndex;
        for (Segment s : segments) {
            if (s.closed && s.last <= snapshotIndex) {
                upTo = s.last;
            }
        }
        return upTo;
    }

    /** Deletes the closed segments up to {@code upTo} (a value of {@link #purgeableUpTo}). */
    void purge(long upTo) {
        long term = termAt(upTo);
        while (!segments.isEmpty() && segments.get(0).closed && segments.get(0).last <= upTo) {
            Segment s = segments.remove(0);
            int n = (int) (s.last - s.first + 1);
            entries.subList(0, n).clear();
            sizes.subList(0, n).clear();
            purgedIndex = s.last;
            delete(s);
        }
        purgedTerm = term;
    }

    /** Drops the whole log: a snapshot at {@code index} (of {@code term}) replaces it. */
    void resetTo(long index, long term) {
        segments.forEach(this::delete);
        segments.clear();
        entries.clear();
        sizes.clear();
        purgedIndex = index;
        purgedTerm = term;
    }

    /** How many segments have rolled and are still held. */
    int closedSegments() {
        return (int) segments.stream().filter(s -> s.closed).count();
    }

    private void close(Segment s) {
        Path open = dir.resolve(s.fileName());
        s.closed = true;
        try {
            Files.move(open, dir.resolve(s.fileName()), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot close the Raft log segment " + open + ": " + e.getMessage(), e);
        }
    }

    private void write(Segment s, CharSequence lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            Files.writeString(dir.resolve(s.fileName()), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot append to the Raft log: " + e.getMessage(), e);
        }
    }

    private void rewrite(Segment s) {
        StringBuilder sb = new StringBuilder();
        for (long i = s.first; i <= s.last; i++) {
            sb.append(Json.write(get(i))).append('\n');
        }
        Path file = dir.resolve(s.fileName());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot rewrite the Raft log segment " + file + ": " + e.getMessage(), e);
        }
    }

    private void delete(Segment s) {
        try {
            Files.deleteIfExists(dir.resolve(s.fileName()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete the Raft log segment " + s.fileName() + ": " + e.getMessage(), e);
        }
    }

    /** "1MB", "512KB", "64 mb", "1048576" in bytes (units of 1024, as Ratis reads sizes). */
    static long parseSize(String text) {
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("setting arcadedb.ha.logSegmentSize=" + text + " is not a size like 64MB", e);
        }
    }
}
