/**
 * Who is calling: principals, roles and tenants, set by the server's authenticating interceptor.
 */
package io.taskgrid.coordinator.internal.auth;
