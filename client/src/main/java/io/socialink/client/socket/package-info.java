@NullMarked
package io.socialink.client.socket;

import org.jspecify.annotations.NullMarked;
