package org.cerebro.store;

import org.cerebro.jvm.JvmFlags;

/**
 * What must hold before the first Chronicle class loads: no usage analytics (a library must never
 * report from its users' machines), no start-up banner, and the JVM flags Chronicle needs. This class references no
 * Chronicle type, so calling it cannot load one.
 */
final class ChronicleSettings {
    /** Chronicle reads this once, when its analytics class loads. */
    static final String ANALYTICS_PROPERTY = "chronicle.analytics.disable";
    /** Chronicle otherwise prints a banner asking for an e-mail address when it starts. */
    static final String ANNOUNCER_PROPERTY = "chronicle.announcer.disable";

    private ChronicleSettings() {
    }

    /** Disables analytics and checks the flags; call before touching any Chronicle class. */
    static void apply() {
        System.setProperty(ANALYTICS_PROPERTY, "true");
        System.setProperty(ANNOUNCER_PROPERTY, "true");
        JvmFlags.require("Chronicle Map");
    }
}
