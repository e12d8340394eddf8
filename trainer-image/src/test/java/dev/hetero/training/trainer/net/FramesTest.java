package dev.hetero.training.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.trainer.worker.RoundCommand;
import dev.hetero.training.trainer.worker.RoundResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FramesTest {

  @Test
  void commandsAndResultsRoundTripAsLittleEndianFloats() throws Exception {
    RoundCommand command = new RoundCommand(7, 0.05, true, 99, false, 3, new int[] {3, 1, 4}, new float[] {1.5f, -2f});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Frames.write(bytes, Frames.ROUND, Frames.command(command));
    byte[] wire = bytes.toByteArray();
    // header: type 4, little-endian
    assertThat(wire[0]).isEqualTo((byte) 4);
    assertThat(wire[3]).isEqualTo((byte) 0);
    // the last 4 bytes are -2f in little-endian
    int bits = Float.floatToIntBits(-2f);
    assertThat(wire[wire.length - 4]).isEqualTo((byte) bits);
    assertThat(wire[wire.length - 1]).isEqualTo((byte) (bits >>> 24));
    Frames.Frame frame = Frames.read(new DataInputStream(new ByteArrayInputStream(wire)));
    assertThat(frame.payload().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    RoundCommand back = Frames.parseCommand(frame.payload(), false);
    assertThat(back.round()).isEqualTo(7);
    assertThat(back.learningRate()).isEqualTo(0.05);
    assertThat(back.indices()).containsExactly(3, 1, 4);
    assertThat(back.model()).containsExactly(1.5f, -2f);

    RoundResult result = new RoundResult(2, 7, 0.25, new byte[] {1, 2}, new int[] {3}, new float[] {0.7f}, new float[] {9f});
    RoundResult r = Frames.parseResult(Frames.result(result));
    assertThat(r.rank()).isEqualTo(2);
    assertThat(r.computeSeconds()).isEqualTo(0.25);
    assertThat(r.loadedDigest()).containsExactly(1, 2);
    assertThat(r.losses()).containsExactly(0.7f);
    assertThat(r.model()).containsExactly(9f);
  }
}
