/**
 * Internal: the servlet adapter (asynchronous writes and listeners on Tomcat, Payara and other servlet containers).
 * Loaded only when the servlet API is on the class path. Not API.
 */
package dev.ssejaxrs.internal.servlet;
