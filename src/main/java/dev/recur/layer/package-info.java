/**
 * The layer core: the weights of one layer in the layout the kernels want, and the operations a
 * training pass and a serving step are made of. {@link dev.recur.ElmanRnn} and {@link
 * dev.recur.inference.InferenceModel} both compute through these classes, so that serving gives
 * the training forward pass's bits by construction. Internal: not part of recur's API, and not
 * exported once the library has a module descriptor.
 */
package dev.recur.layer;
