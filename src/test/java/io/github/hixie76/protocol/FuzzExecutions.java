package io.github.hixie76.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts the executions of one fuzz target and reports them once its class is done (register it
 * with {@code @RegisterExtension}), as
 * {@code [fuzz] Class.method: N executions} while fuzzing (JAZZER_FUZZ set, as Jazzer reads it)
 * and {@code [fuzz] Class.method: N inputs replayed} in the plain unit run.
 *
 * <p>While fuzzing, fewer than {@link #MIN_WHILE_FUZZING} executions fail the class: the seeds
 * alone run as many as there are committed inputs, so fewer means the fuzzer never ran and the
 * run proved nothing. Not thread-safe; Jazzer runs a target on one thread.
 */
final class FuzzExecutions implements AfterAllCallback {

    static final long MIN_WHILE_FUZZING = 100;

    private final String target;
    private long count;

    FuzzExecutions(String target) {
        this.target = target;
    }

    void count() {
        count++;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        boolean fuzzing = fuzzing();
        System.out.println("[fuzz] " + target + ": " + count + (fuzzing ? " executions" : " inputs replayed"));
        if (fuzzing) {
            assertTrue(count >= MIN_WHILE_FUZZING, target + ": only " + count + " executions while fuzzing");
        }
    }

    private static boolean fuzzing() {
        return isTrue(System.getenv("JAZZER_FUZZ")) || isTrue(System.getProperty("JAZZER_FUZZ"));
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1") || value.equalsIgnoreCase("yes"));
    }
}
