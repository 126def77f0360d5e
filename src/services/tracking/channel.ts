/** The channels a digital placement can be on, as the seed lists them. */
export const DIGITAL_CHANNELS: readonly string[] = ['website', 'newsletter', 'streaming'];

/**
 * A tracking script's channel as a performance entry's channel, as the seed did it:
 * "newsletter_image" and "newsletter_text" become "newsletter"; no channel means "website".
 * The seed replaced only the first occurrence of each part, and so does this.
 */
export function normalizeChannel(channel: string | null | undefined): string {
  if (!channel) return 'website';
  return channel.replace('_image', '').replace('_text', '').replace('newsletter_', 'newsletter') || 'website';
}
