package io.taskgrid.client;

import io.taskgrid.client.internal.rpc.TaskListener;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;

/** Completes one {@link TaskFuture} from what the session reports, decoding the output. */
final class FutureBinding<O> implements TaskListener {
  private final TaskFuture<O> future;
  private final Codec<O> outputCodec;

  FutureBinding(TaskFuture<O> future, Codec<O> outputCodec) {
    this.future = future;
    this.outputCodec = outputCodec;
  }

  @Override
  public void onRejected(String code, String message) {
    future.failFromCluster(new TaskRejectedException(future.taskId(), code, message));
  }

  @Override
  public void onResult(TaskResult result) {
    future.setResultInfo(ProtoMapper.toInfo(result));
    if (result.getOutcome() != Outcome.SUCCEEDED) {
      future.failFromCluster(ProtoMapper.toException(result));
      return;
    }
    O value;
    try {
      value = outputCodec.decode(result.getOutput().getData().toByteArray());
    } catch (RuntimeException e) {
      // A bad output must fail the future clearly rather than leave it hanging.
      future.failFromCluster(
          new TaskFailedException(
              future.taskId(),
              "OutputDecodingError",
              "cannot decode the output ("
                  + result.getOutput().getContentType()
                  + ") with "
                  + outputCodec
                  + ": "
                  + e.getMessage(),
              "",
              false,
              e));
      return;
    }
    future.completeFromCluster(value);
  }

  @Override
  public void onProgress(TaskProgress progress) {
    future.progress(
        new Progress(progress.getFraction(), progress.getMessage(), progress.getAttempt()));
  }

  @Override
  public void onClientClosed() {
    future.failFromCluster(
        new TaskException(
            future.taskId(),
            "client closed before task " + future.taskId() + " ended (it may still run)",
            null));
  }
}
