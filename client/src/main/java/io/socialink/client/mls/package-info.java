@NullMarked
package io.socialink.client.mls;

import org.jspecify.annotations.NullMarked;
