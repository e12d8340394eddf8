package dev.hetero.training.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FramesTest {

  @Test
  void commandsAndResultsRoundTripAsLittleEndianFloats() throws Exception {
    RoundCommand command = RoundCommand.train(7, 2, 0.05, true, 99, 3, 4.0, new int[] {3, 1, 4}, new float[] {1.5f, -2f}, true);
    ByteBuffer encoded = Frames.command(command);
    byte[] wire = new byte[encoded.remaining()];
    encoded.duplicate().get(wire);
    // round 7 first, little-endian
    assertThat(wire[0]).isEqualTo((byte) 7);
    assertThat(wire[7]).isEqualTo((byte) 0);
    // the model's last value -2f in little-endian, then "report your state" (1) and "no state to restore" (0)
    int bits = Float.floatToIntBits(-2f);
    assertThat(wire[wire.length - 6]).isEqualTo((byte) bits);
    assertThat(wire[wire.length - 3]).isEqualTo((byte) (bits >>> 24));
    assertThat(wire[wire.length - 2]).isEqualTo((byte) 1);
    assertThat(wire[wire.length - 1]).isEqualTo((byte) 0);
    RoundCommand back = Frames.parseCommand(ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN), RoundCommand.Kind.TRAIN);
    assertThat(back.round()).isEqualTo(7);
    assertThat(back.planVersion()).isEqualTo(2);
    assertThat(back.learningRate()).isEqualTo(0.05);
    assertThat(back.batch()).isEqualTo(3);
    assertThat(back.slowdown()).isEqualTo(4.0);
    assertThat(back.indices()).containsExactly(3, 1, 4);
    assertThat(back.model()).containsExactly(1.5f, -2f);
    assertThat(back.reportState()).isTrue();
    assertThat(back.restore()).isNull();
    WorkerState saved = new WorkerState(1, 50, new float[] {0.25f, -1f, 3f}, new float[] {7f});
    RoundCommand restoring = Frames.parseCommand(Frames.command(command.withRestore(saved)), RoundCommand.Kind.TRAIN);
    assertThat(restoring.restore().rank()).isEqualTo(1);
    assertThat(restoring.restore().round()).isEqualTo(50);
    assertThat(restoring.restore().optimizer()).containsExactly(0.25f, -1f, 3f);
    assertThat(restoring.restore().localBuffers()).containsExactly(7f);

    RoundResult result = new RoundResult(2, 7, 0.25, new byte[] {1, 2}, new int[] {3}, new float[] {0.7f}, new float[] {9f});
    RoundResult r = Frames.parseResult(Frames.result(result));
    assertThat(r.rank()).isEqualTo(2);
    assertThat(r.computeSeconds()).isEqualTo(0.25);
    assertThat(r.loadedDigest()).containsExactly(1, 2);
    assertThat(r.losses()).containsExactly(0.7f);
    assertThat(r.model()).containsExactly(9f);
    assertThat(r.state()).isNull();

    RoundResult stopped = Frames.parseResult(Frames.result(RoundResult.stopped(2, 9, new byte[] {5}, saved)));
    assertThat(stopped.model()).isNull();
    assertThat(stopped.state().optimizer()).containsExactly(0.25f, -1f, 3f);
    assertThat(stopped.state().round()).isEqualTo(50);
    assertThat(r.ascent()).isNull();

    var stats = new dev.hetero.training.trainer.round.AscentStats(40, 2, 41, 3, 0.05, 0.7, 12, 0.93);
    RoundResult withStats = new RoundResult(2, 7, 0.25, new byte[] {1}, new int[] {3}, new float[] {0.7f}, new float[] {9f}, null,
        stats);
    assertThat(Frames.parseResult(Frames.result(withStats)).state()).isNull();
    RoundResult both = new RoundResult(2, 7, 0.25, new byte[] {1}, new int[] {3}, new float[] {0.7f}, new float[] {9f}, saved, stats);
    RoundResult bothBack = Frames.parseResult(Frames.result(both));
    assertThat(bothBack.state().optimizer()).containsExactly(0.25f, -1f, 3f);
    assertThat(bothBack.ascent()).isEqualTo(stats);
    assertThat(Frames.parseResult(Frames.result(withStats)).ascent()).isEqualTo(stats);
  }

  @Test
  void theAsyncSamRelayCarriesSnapshotsAndPerturbationsAsRawFloats() throws Exception {
    var snapshot = new dev.hetero.training.trainer.ascent.Snapshot(17, new float[] {1f, -2f}, 0.018);
    AscentFrames.Offer offer = AscentFrames.parseOffer(AscentFrames.offer(3, snapshot));
    assertThat(offer.workerRank()).isEqualTo(3);
    assertThat(offer.snapshot().step()).isEqualTo(17);
    assertThat(offer.snapshot().model()).containsExactly(1f, -2f);
    var p = new dev.hetero.training.trainer.ascent.Perturbation(16, new float[] {0.5f}, 8, 0.012, 0.9);
    AscentFrames.Ascend ascend = AscentFrames.parseAscend(AscentFrames.ascend(4, 3, 15, 2, p));
    assertThat(ascend).extracting(AscentFrames.Ascend::helperRank, AscentFrames.Ascend::workerRank, AscentFrames.Ascend::after)
        .containsExactly(4, 3, 15L);
    assertThat(ascend.previous().epsilon()).containsExactly(0.5f);
    assertThat(AscentFrames.parseAscend(AscentFrames.ascend(4, 3, -1, 2, null)).previous()).isNull();
    assertThat(AscentFrames.parsePerturbationAnswer(AscentFrames.perturbationAnswer(AscentFrames.ITEM, p)).batch()).isEqualTo(8);
    assertThat(AscentFrames.parseSnapshotAnswer(AscentFrames.snapshotAnswer(AscentFrames.ITEM, snapshot)).stepSeconds())
        .isEqualTo(0.018);
    assertThatThrownBy(() -> AscentFrames.parseFetch(new byte[16])).hasMessageContaining("not an asyncSAM relay message");
  }

  @Test
  void aHelloCarriesTheWorkerNameAndModelSizeAndAStrayClientIsRefused() throws Exception {
    Frames.Hello hello = Frames.parseHello(Frames.hello(new Frames.Hello("job-cpu-3", 101_770, false)));
    assertThat(hello).isEqualTo(new Frames.Hello("job-cpu-3", 101_770, false));
    // a worker of the previous protocol (HTJ3: rank and world size) is told apart at once
    ByteBuffer old = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN).putInt(0x334a5448).putInt(1).putInt(4).putInt(10)
        .put((byte) 0).flip();
    assertThatThrownBy(() -> Frames.parseHello(old)).hasMessageContaining("not a trainer worker of this version");
    assertThatThrownBy(() -> Frames.parseHello(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes()).order(ByteOrder.LITTLE_ENDIAN)))
        .hasMessageContaining("bad hello");
    // a name length that does not fit the frame is named, not read past the end
    ByteBuffer lying = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN).putInt(Frames.MAGIC).putInt(4000).putInt(0)
        .putInt(0).put((byte) 0).flip();
    assertThatThrownBy(() -> Frames.parseHello(lying)).hasMessageContaining("worker name of 4000 bytes");
    RoundResult r = new RoundResult(2, 9, 0.5, new byte[] {1}, new int[] {3}, new float[] {0.25f}, new float[] {1f});
    Frames.Submission back = Frames.parseSubmission(Frames.submission("job-gpu-0", r));
    assertThat(back.worker()).isEqualTo("job-gpu-0");
    assertThat(back.result().round()).isEqualTo(9);
    assertThat(back.result().indices()).containsExactly(3);
  }

}
