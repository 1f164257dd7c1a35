package org.vtsim.platform;

import java.util.PriorityQueue;
import java.util.function.LongConsumer;

/**
 * Deterministic device time keyed on CPU cycles. Device timers are armed for a cycle; {@link
 * #advanceTo(long)} fires every timer due at or before the target, in (cycle, arming order)
 * order, with the current time set to the timer's own due cycle while it runs, so a device
 * computes its state at the exact cycle of the event whatever the CPU's step size.
 */
public final class EventScheduler {
    /** A re-armable device timer; at most one pending expiry at a time. */
    public final class Timer {
        private final String name;
        private final LongConsumer action;
        private Entry pending;

        private Timer(String name, LongConsumer action) {
            this.name = name;
            this.action = action;
        }

        /** Arms (or re-arms) the timer to fire at {@code cycle}; a past cycle fires at the next advance. */
        public void arm(long cycle) {
            cancel();
            pending = new Entry(Math.max(cycle, now), seq++, this);
            queue.add(pending);
        }

        public void cancel() {
            if (pending != null) {
                pending.cancelled = true;
                pending = null;
            }
        }

        public boolean armed() {
            return pending != null;
        }

        /** The cycle the timer fires at, or {@link Long#MAX_VALUE} when disarmed. */
        public long dueCycle() {
            return pending == null ? Long.MAX_VALUE : pending.cycle;
        }

        @Override
        public String toString() {
            return name + (pending == null ? " (disarmed)" : " @" + pending.cycle);
        }
    }

    private static final class Entry implements Comparable<Entry> {
        final long cycle;
        final long order;
        final Timer timer;
        boolean cancelled;

        Entry(long cycle, long order, Timer timer) {
            this.cycle = cycle;
            this.order = order;
            this.timer = timer;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(cycle, o.cycle);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long seq;

    /** The current simulated time in CPU cycles. */
    public long now() {
        return now;
    }

    public Timer newTimer(String name, LongConsumer action) {
        return new Timer(name, action);
    }

    /** Cycle of the earliest armed timer, or {@link Long#MAX_VALUE}. */
    public long nextEventCycle() {
        purge();
        Entry e = queue.peek();
        return e == null ? Long.MAX_VALUE : e.cycle;
    }

    /**
     * Moves time forward to {@code cycle}, firing due timers in order.
     *
     * @throws IllegalArgumentException if {@code cycle} is before the current time
     */
    public void advanceTo(long cycle) {
        if (cycle < now) {
            throw new IllegalArgumentException("time cannot go backwards: " + cycle + " < " + now);
        }
        for (purge(); !queue.isEmpty() && queue.peek().cycle <= cycle; purge()) {
            Entry e = queue.poll();
            now = e.cycle;
            e.timer.pending = null;
            e.timer.action.accept(e.cycle);
        }
        now = cycle;
    }

    private void purge() {
        while (!queue.isEmpty() && queue.peek().cancelled) {
            queue.poll();
        }
    }
}
