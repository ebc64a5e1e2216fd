package org.cerebro.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds executor providers on the class path ({@code ServiceLoader}); "sequential" is always there. */
public final class Executors {
    private static final ExecutorProvider SEQUENTIAL = new ExecutorProvider() {
        @Override
        public String name() {
            return "sequential";
        }

        @Override
        public Executor create(int workers) {
            if (workers != 1) {
                throw new IllegalArgumentException("executor=sequential workers=" + workers + " expected 1");
            }
            return new SequentialExecutor();
        }

        @Override
        public Executor createDefault() {
            return new SequentialExecutor();
        }
    };

    private Executors() {
    }

    /** Every provider: the sequential one, then those registered, in class-path order. */
    public static List<ExecutorProvider> providers() {
        List<ExecutorProvider> providers = new ArrayList<>();
        providers.add(SEQUENTIAL);
        ServiceLoader.load(ExecutorProvider.class, Executors.class.getClassLoader()).forEach(providers::add);
        return providers;
    }

    /**
     * The provider called {@code name}.
     *
     * @throws IllegalArgumentException naming the providers there are (add a module, e.g.
     *                                  cerebro-exec-local, for more)
     */
    public static ExecutorProvider find(String name) {
        List<String> names = new ArrayList<>();
        for (ExecutorProvider provider : providers()) {
            if (provider.name().equals(name)) {
                return provider;
            }
            names.add(provider.name());
        }
        throw new IllegalArgumentException("executor=\"" + name + "\" is not on the class path: found " + names
            + " (org.cerebro:cerebro-exec-local provides \"local\")");
    }
}
