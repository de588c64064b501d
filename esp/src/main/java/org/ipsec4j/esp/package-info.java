/** ipsec4j esp module: the sans-IO data plane. */
package org.ipsec4j.esp;
