/** The API key lives in this tab's sessionStorage only: closing the tab signs out. */
const STORAGE_KEY = 'campaign-hub.api-key';

export const storedKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);

export const keepKey = (key: string): void => sessionStorage.setItem(STORAGE_KEY, key);

export const forgetKey = (): void => sessionStorage.removeItem(STORAGE_KEY);
