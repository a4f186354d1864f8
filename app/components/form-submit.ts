import type { FormEvent } from "react";

/**
 * An onSubmit handler that passes the form's data on. Used instead of `<form action>`: React
 * resets a form after its action, so a refused sign-in or setup would empty what was typed.
 */
export function onFormData(handle: (form: FormData) => unknown) {
  return (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void handle(new FormData(e.currentTarget));
  };
}
