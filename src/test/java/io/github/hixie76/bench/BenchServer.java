package io.github.hixie76.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server under test, running in a JVM of its own so that the CPU time and the heap the
 * benchmark reads are the server's alone.
 */
interface BenchServer extends AutoCloseable {

    /** The server's column in the report. */
    String label();

    /** {@code ws://} (or {@code tcp://} for the raw echo server) and the path. */
    URI uri(String path);

    /** The process id of the server's JVM. */
    long pid();

    /** Heap in use after full GCs in the server's JVM, in bytes. */
    long heapAfterGc() throws Exception;

    @Override
    void close() throws Exception;

    /** User plus system CPU time the server's JVM has used so far, in clock ticks (Linux /proc/PID/stat). */
    default long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        // fields after the command name, which is in parentheses and may hold spaces: state is field 3
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime (14) + stime (15)
    }
}
