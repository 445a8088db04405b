package io.github.hixie76.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test clock the timer tests rely on. */
class ManualSchedulerTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void advanceRunsWhatIsDueInTimeOrderAtItsDueTime() {
        long start = scheduler.nanoTime();
        scheduler.schedule(() -> ran.add("3s at " + (scheduler.nanoTime() - start)), 3_000_000_000L);
        scheduler.schedule(() -> ran.add("1s at " + (scheduler.nanoTime() - start)), 1_000_000_000L);
        scheduler.schedule(() -> ran.add("5s"), 5_000_000_000L);

        scheduler.advance(Duration.ofSeconds(4));

        assertEquals(List.of("1s at 1000000000", "3s at 3000000000"), ran);
        assertEquals(4_000_000_000L, scheduler.nanoTime() - start);
        assertEquals(1, scheduler.pending());
    }

    @Test
    void tasksScheduledByRunningTasksRunWhenDueWithinTheSameAdvance() {
        scheduler.schedule(() -> {
            ran.add("first");
            scheduler.schedule(() -> ran.add("second"), 1_000);
            scheduler.schedule(() -> ran.add("too late"), 10_000);
        }, 1_000);

        scheduler.advance(Duration.ofNanos(2_000));

        assertEquals(List.of("first", "second"), ran);
        assertEquals(1, scheduler.pending());
    }

    @Test
    void cancelledTasksNeitherRunNorCount() {
        Scheduler.Task task = scheduler.schedule(() -> ran.add("cancelled"), 1);
        scheduler.schedule(() -> ran.add("kept"), 1);
        task.cancel();
        task.cancel();

        assertEquals(1, scheduler.pending());
        scheduler.advance(Duration.ofNanos(1));
        assertEquals(List.of("kept"), ran);
        assertEquals(0, scheduler.pending());
    }
}
