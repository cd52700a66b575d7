package io.taskgrid.client;

/**
 * The output of the built-in {@code http.get} task: the URL fetched, the HTTP status and the body
 * as text. A non-2xx status is still a successful task.
 *
 * @param url the URL fetched
 * @param status the HTTP status code
 * @param body the response body as text
 */
public record HttpResult(String url, int status, String body) {}
