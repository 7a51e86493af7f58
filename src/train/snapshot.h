/*
 * A training's checkpoint directory, written after every epoch:
 *   training.json   the options and, per optimizer, its spec, epochs done, results, times
 *   N.weights       optimizer N's model: "CLOPTMLP", u32 version 1, u32 0, u64 inputs,
 *                   hidden, classes, epochs done, the parameters (f32), u32 CRC-32 of all
 *                   bytes before it (little-endian)
 *   N.optimizer     optimizer N's state (clopt_optimizer_save)
 *   N.adamw         for Muon, the state of its AdamW companion (biases and the output layer;
 *                   companion.h), in the same format; no other optimizer has one
 * Each file is replaced atomically; training.json is written last, and a model whose epoch
 * count disagrees with it is refused, so an interrupted save is noticed, not resumed.
 */
#ifndef CLOPT_TRAIN_SNAPSHOT_H
#define CLOPT_TRAIN_SNAPSHOT_H

#include "mlp.h"
#include "options.h"

/* Writes DIR/training.json (creating DIR if needed). */
clopt_status clopt_snapshot_write(const char *dir, const clopt_train_options *o, size_t examples,
                                  const clopt_train_result *r, size_t n, clopt_error *err);

/*
 * Reads DIR/training.json: *o (epochs: the epochs it was asked for), *examples, and n
 * results (room for CLOPT_TRAIN_MAX_OPTIMIZERS) with their specs and completed epochs.
 */
clopt_status clopt_snapshot_read(const char *dir, clopt_train_options *o, size_t *examples,
                                 clopt_train_result *r, size_t *n, clopt_error *err);

/*
 * Writes DIR/N.weights and DIR/N.optimizer for model `index` after `epochs` epochs, and
 * DIR/N.adamw when `rest` (Muon's AdamW companion; NULL for other optimizers) is given.
 */
clopt_status clopt_snapshot_save_model(const char *dir, size_t index, clopt_mlp *m,
                                       clopt_optimizer *o, clopt_optimizer *rest, uint64_t epochs,
                                       clopt_error *err);

/*
 * Restores model `index` as saved after `epochs` epochs of `batches` steps each, with its
 * companion's state when `rest` is given; a model of another shape or epoch, a missing
 * N.adamw, a state of other tensors or a corrupt file is refused with the reason. Every
 * file is checked before the parameters are written, so a refusal leaves them (and the
 * files) as they were; an optimizer may have taken its file's state by then (the library
 * checks each file whole before it changes its optimizer), so the caller discards both.
 */
clopt_status clopt_snapshot_load_model(const char *dir, size_t index, clopt_mlp *m,
                                       clopt_optimizer *o, clopt_optimizer *rest, uint64_t epochs,
                                       size_t batches, clopt_error *err);

#endif
