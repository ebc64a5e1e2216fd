/**
 * The bridge to DJL and its PyTorch engine: starting the engine offline with clear errors when
 * its native artifacts are missing, and turning assembled mini-batches into tensors.
 */
package org.cerebro.djl;
