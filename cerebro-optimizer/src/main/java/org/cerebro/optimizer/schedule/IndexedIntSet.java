package org.cerebro.optimizer.schedule;

/**
 * A set of ints in {@code [0, capacity)} with O(1) add, remove, contains and access by position,
 * so a uniformly random member costs one draw. Not thread-safe.
 */
final class IndexedIntSet {
    private final int[] members;
    private final int[] position; // -1 when absent
    private int size;

    IndexedIntSet(int capacity) {
        members = new int[capacity];
        position = new int[capacity];
        java.util.Arrays.fill(position, -1);
    }

    void add(int value) {
        if (position[value] < 0) {
            position[value] = size;
            members[size++] = value;
        }
    }

    void remove(int value) {
        int at = position[value];
        if (at >= 0) {
            int last = members[--size];
            members[at] = last;
            position[last] = at;
            position[value] = -1;
        }
    }

    boolean contains(int value) {
        return position[value] >= 0;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return members[index];
    }
}
