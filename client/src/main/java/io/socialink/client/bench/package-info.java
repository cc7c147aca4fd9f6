@NullMarked
package io.socialink.client.bench;

import org.jspecify.annotations.NullMarked;
