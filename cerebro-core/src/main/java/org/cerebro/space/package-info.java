/**
 * Typed search spaces: hyperparameters with their name, domain and validation together
 * ({@link org.cerebro.space.HParam}), spaces of them ({@link org.cerebro.space.SearchSpace}) and
 * their points ({@link org.cerebro.space.Config}), read with typed keys and no casts. Randomness
 * always comes from (seed, trial, parameter), never from a global generator.
 */
package org.cerebro.space;
