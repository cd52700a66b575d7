package io.taskgrid.coordinator.internal.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates every call and puts its {@link Principal} in the call's {@link Context} ({@link
 * Principals#KEY}). A call carries a bearer token in the {@code authorization} header or, over
 * mutual TLS, a client certificate whose subject CN is listed; the token wins when both are
 * present. No or an unknown credential: UNAUTHENTICATED; a role that may not call the method
 * ({@link AccessPolicy}): PERMISSION_DENIED. Runs once per call (a Session or Connect stream is one
 * call), never per task. Thread-safe.
 */
public final class AuthInterceptor implements ServerInterceptor {
  /** The header that carries {@code Bearer TOKEN}. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String BEARER = "Bearer ";

  private final Credentials credentials;

  public AuthInterceptor(Credentials credentials) {
    this.credentials = credentials;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (service != null && AccessPolicy.open(service)) {
      return next.startCall(call, headers);
    }
    Principal principal;
    String header = headers.get(AUTHORIZATION);
    if (header != null) {
      if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return refuse(
            call, Status.UNAUTHENTICATED, "the authorization header is not 'Bearer TOKEN'");
      }
      principal = credentials.byToken(header.substring(BEARER.length()).strip());
      if (principal == null) {
        return refuse(call, Status.UNAUTHENTICATED, "unknown token");
      }
    } else {
      String cn = certificateName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      if (cn == null) {
        return refuse(
            call,
            Status.UNAUTHENTICATED,
            "no credential: send 'authorization: Bearer TOKEN' (taskgrid --token-file) or a"
                + " client certificate");
      }
      principal = credentials.byCertificateName(cn);
      if (principal == null) {
        return refuse(
            call, Status.UNAUTHENTICATED, "client certificate CN '" + cn + "' is not listed");
      }
    }
    String denied =
        AccessPolicy.denied(
            principal,
            service == null ? "" : service,
            call.getMethodDescriptor().getFullMethodName());
    if (denied != null) {
      return refuse(call, Status.PERMISSION_DENIED, denied);
    }
    Context context = Context.current().withValue(Principals.KEY, principal);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(
      ServerCall<Q, R> call, Status status, String why) {
    call.close(status.withDescription(why), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** The subject CN of a verified client certificate, or null. */
  static @Nullable String certificateName(@Nullable SSLSession session) {
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return null;
    }
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }
}
