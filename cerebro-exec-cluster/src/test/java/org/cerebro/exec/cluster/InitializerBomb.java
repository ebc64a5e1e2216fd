package org.cerebro.exec.cluster;

/** Not a trainable: a class whose static initializer announces itself, which no worker may run by being told its name. */
public final class InitializerBomb {
    static final String MARK = "INITIALIZER-BOMB-RAN";

    static {
        System.out.println(MARK);
        System.out.flush();
    }

    public InitializerBomb() {
    }
}
