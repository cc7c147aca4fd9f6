@NullMarked
package io.socialink.client.api;

import org.jspecify.annotations.NullMarked;
