"""Exceptions a task's future ends with: one class per way a task can end other than success."""


class TaskError(Exception):
    """A task did not succeed. ``outcome`` is the proto Outcome name (FAILED, TIMED_OUT, ...)."""

    def __init__(self, task_id, outcome, error_type="", message="", retryable=False, stack=""):
        self.task_id = task_id
        self.outcome = outcome
        self.error_type = error_type
        self.error_message = message
        self.retryable = retryable
        self.remote_stack = stack
        detail = f"{error_type}: {message}" if error_type else message
        super().__init__(f"task {task_id} {outcome}: {detail}")


class TaskFailed(TaskError):
    """The handler raised (FAILED), or its worker died too often (WORKER_LOST), or the store lost
    it and resubmitting did not help (LOST)."""


class TaskTimedOut(TaskError, TimeoutError):
    """The task's run timeout or deadline passed (TIMED_OUT)."""


class TaskCancelled(TaskError):
    """The cluster cancelled the task (CANCELLED). A future cancelled locally with
    ``future.cancel()`` is an ordinary cancelled asyncio future instead."""


class TaskRejected(TaskError):
    """The coordinator refused the task; ``code`` is the gRPC status code name, for example
    INVALID_ARGUMENT or RESOURCE_EXHAUSTED. The task never ran."""

    def __init__(self, task_id, code, message):
        self.code = code
        super().__init__(task_id, "REJECTED", code, message)


class ClientClosed(TaskError):
    """The client was closed while the task was pending; the task may still run."""

    def __init__(self, task_id):
        super().__init__(task_id, "CLIENT_CLOSED", "", "the client was closed")
