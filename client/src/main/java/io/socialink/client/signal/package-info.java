@NullMarked
package io.socialink.client.signal;

import org.jspecify.annotations.NullMarked;
