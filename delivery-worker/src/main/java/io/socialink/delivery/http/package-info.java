@NullMarked
package io.socialink.delivery.http;

import org.jspecify.annotations.NullMarked;
