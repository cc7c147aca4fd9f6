@NullMarked
package io.socialink.client.auth;

import org.jspecify.annotations.NullMarked;
