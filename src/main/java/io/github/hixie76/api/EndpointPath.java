package io.github.hixie76.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Serves the annotated {@link Endpoint} at a path of the web application, found when the
 * application starts: no web.xml entry and no code needed. The class must be public with a
 * public no-argument constructor; the limits are the application's {@code hixie76.*}
 * context-params, or their defaults.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EndpointPath {

    /** A servlet URL pattern, such as {@code /chat}. */
    String value();
}
