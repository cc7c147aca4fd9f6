@NullMarked
package io.socialink.client.keys;

import org.jspecify.annotations.NullMarked;
