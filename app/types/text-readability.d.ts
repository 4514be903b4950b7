// text-readability ships no types; these are the functions used here.
declare module "text-readability" {
  const readability: {
    fleschKincaidGrade(text: string): number;
    fleschReadingEase(text: string): number;
  };
  export default readability;
}
