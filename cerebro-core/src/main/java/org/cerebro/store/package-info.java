/**
 * Durable state on disk: persisted maps (Chronicle Map) for experiment catalogs and profile caches.
 * Chronicle's usage analytics are switched off in code before any Chronicle class loads, and the
 * JVM flags it needs are checked first, so a missing one is reported with the flags to add.
 */
package org.cerebro.store;
