package org.cerebro.runtime;

/**
 * A set of ints in {@code [0, capacity)} with O(1) add, remove, contains and access by position,
 * so a uniformly random member costs one draw. Not thread-safe.
 */
final class IndexedIntSet {
    private int[] members;
    private int[] position; // -1 when absent
    private int size;

    IndexedIntSet(int capacity) {
        members = new int[Math.max(1, capacity)];
        position = new int[Math.max(1, capacity)];
        java.util.Arrays.fill(position, -1);
    }

    /** Makes room for values below {@code capacity}. */
    void ensureCapacity(int capacity) {
        if (capacity > position.length) {
            int grown = Math.max(capacity, 2 * position.length);
            int old = position.length;
            members = java.util.Arrays.copyOf(members, grown);
            position = java.util.Arrays.copyOf(position, grown);
            java.util.Arrays.fill(position, old, grown, -1);
        }
    }

    void add(int value) {
        if (position[value] < 0) {
            position[value] = size;
            members[size++] = value;
        }
    }

    void remove(int value) {
        if (value >= position.length) {
            return;
        }
        int at = position[value];
        if (at >= 0) {
            int last = members[--size];
            members[at] = last;
            position[last] = at;
            position[value] = -1;
        }
    }

    boolean contains(int value) {
        return value < position.length && position[value] >= 0;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return members[index];
    }
}
