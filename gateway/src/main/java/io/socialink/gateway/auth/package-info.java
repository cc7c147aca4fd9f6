@NullMarked
package io.socialink.gateway.auth;

import org.jspecify.annotations.NullMarked;
