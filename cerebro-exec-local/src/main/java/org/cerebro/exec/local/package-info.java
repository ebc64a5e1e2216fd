/**
 * The local multi-device executor (coming with its issue).
 */
package org.cerebro.exec.local;
