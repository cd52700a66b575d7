package io.taskgrid.testing.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when a background thread died of an exception during it: installs a default uncaught
 * exception handler (once per JVM) that records every throwable a thread did not catch, and checks
 * the record after each test (and after each class, for what its {@code @BeforeAll} /
 * {@code @AfterAll} or the time between tests left). It registers itself for every test of a module
 * that has this artifact on its test classpath, through this jar's {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension}, when the module's
 * junit-platform.properties sets {@code junit.jupiter.extensions.autodetection.enabled=true}.
 *
 * <p>A test that provokes such an exception on purpose says so with {@link Allowed} on the method
 * or the class; what it provoked is then dropped instead of failing it. Only threads without a
 * handler of their own are seen (executor tasks run with {@code submit} keep their exception in the
 * future, gRPC and Netty log theirs).
 */
public final class BackgroundExceptionsExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  /** The test provokes an uncaught exception on a background thread on purpose. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.METHOD, ElementType.TYPE})
  public @interface Allowed {
    /** Why. */
    String value();
  }

  private record Uncaught(String thread, Throwable error) {}

  private static final ConcurrentLinkedQueue<Uncaught> UNCAUGHT = new ConcurrentLinkedQueue<>();

  static {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          UNCAUGHT.add(new Uncaught(t.getName(), e));
          if (previous != null) {
            previous.uncaughtException(t, e);
          } else {
            System.err.print("Exception in thread \"" + t.getName() + "\" ");
            e.printStackTrace();
          }
        });
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    check(context, "before " + context.getDisplayName());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    check(context, "before " + context.getDisplayName() + " (left by an earlier test)");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(context, "during " + context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context, "in " + context.getDisplayName() + " (set-up, tear-down or between tests)");
  }

  private static void check(ExtensionContext context, String when) {
    check(allowed(context), when);
  }

  /** Takes what was recorded; throws if anything was and it is not {@code allowed}. */
  static void check(boolean allowed, String when) {
    List<Uncaught> seen = new ArrayList<>();
    for (Uncaught u; (u = UNCAUGHT.poll()) != null; ) {
      seen.add(u);
    }
    if (seen.isEmpty() || allowed) {
      return;
    }
    AssertionError failure =
        new AssertionError(
            seen.size()
                + " uncaught exception(s) on background threads "
                + when
                + ": first in thread '"
                + seen.get(0).thread()
                + "': "
                + seen.get(0).error());
    for (Uncaught u : seen) {
      failure.addSuppressed(u.error());
    }
    throw failure;
  }

  private static boolean allowed(ExtensionContext context) {
    if (context.getElement().map(e -> e.isAnnotationPresent(Allowed.class)).orElse(false)) {
      return true;
    }
    return context.getTestClass().map(c -> c.isAnnotationPresent(Allowed.class)).orElse(false);
  }
}
