package org.vtsim.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSchedulerTest {
    @Test
    void timersFireInCycleThenArmingOrderWithNowSetToTheirDueCycle() {
        EventScheduler s = new EventScheduler();
        List<String> fired = new ArrayList<>();
        EventScheduler.Timer a = s.newTimer("a", c -> fired.add("a@" + c + "/" + s.now()));
        EventScheduler.Timer b = s.newTimer("b", c -> fired.add("b@" + c + "/" + s.now()));
        EventScheduler.Timer x = s.newTimer("x", c -> fired.add("x@" + c));
        b.arm(100);
        a.arm(100);
        x.arm(50);
        x.cancel();
        assertEquals(100, s.nextEventCycle());
        s.advanceTo(99);
        assertEquals(List.of(), fired);
        s.advanceTo(1000);
        assertEquals(List.of("b@100/100", "a@100/100"), fired);
        assertEquals(1000, s.now());
        assertEquals(Long.MAX_VALUE, s.nextEventCycle());
    }

    @Test
    void rearmingReplacesThePendingExpiryAndATimerCanRearmItselfWhileFiring() {
        EventScheduler s = new EventScheduler();
        List<Long> fired = new ArrayList<>();
        EventScheduler.Timer[] t = new EventScheduler.Timer[1];
        t[0] = s.newTimer("periodic", c -> {
            fired.add(c);
            t[0].arm(c + 10);
        });
        t[0].arm(5);
        t[0].arm(7);
        s.advanceTo(35);
        assertEquals(List.of(7L, 17L, 27L), fired);
        assertEquals(37, s.nextEventCycle());
    }

    @Test
    void timeNeverGoesBackwards() {
        EventScheduler s = new EventScheduler();
        s.advanceTo(10);
        assertThrows(IllegalArgumentException.class, () -> s.advanceTo(9));
    }
}
