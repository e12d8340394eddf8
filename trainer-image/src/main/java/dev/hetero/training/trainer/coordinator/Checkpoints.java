package dev.hetero.training.trainer.coordinator;

import java.io.IOException;
import java.util.Optional;

/** Where the coordinator saves its run state and resumes from (implemented by the checkpoint store). */
public interface Checkpoints {
  /** Writes the state durably (the previous checkpoints stay valid until it is complete). */
  Saved save(RunState state) throws IOException;

  /** The newest saved state that passes its integrity checks, if any. */
  Optional<Loaded> loadLatest() throws IOException;

  /** Where they are, for messages. */
  String location();

  /** A written checkpoint: its file name and size. */
  record Saved(String name, long bytes) {
  }

  /** A checkpoint read back, with the file it came from and its format version. */
  record Loaded(String name, int formatVersion, RunState state) {
  }
}
